"""Fakes and channels for the channel tests: the real client libraries, local servers."""

from tests.support.channels import (  # noqa: F401
    channels,
    fake_telegram,
    fake_twilio,
    staff_room,
)
