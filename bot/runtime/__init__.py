"""What runs the conversation in a process: listening to voice notes, speaking replies."""
