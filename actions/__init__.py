"""What the bot and staff can do, and the data it lives on."""
