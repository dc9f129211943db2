"""Channel adapters: each turns a provider's payloads into Inbound values and renders replies."""
