"""Fakes and channels for the channel tests: the real client libraries, local servers."""

from tests.support.channels import channels, fake_telegram, fake_twilio  # noqa: F401
