"""Kakehashi: the web project (Django) of the Canada–Japan research-mobility program."""
