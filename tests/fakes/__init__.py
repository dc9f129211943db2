"""Local stand-ins for the providers: real HTTP servers on loopback that record every request."""
