"""The staff REST API, one router per resource."""
