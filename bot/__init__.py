"""The conversation: a pure core (engine, flows, replies) and the channel adapters at its edge."""
