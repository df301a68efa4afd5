"""Renderers: turn results into rich renderables or text. They never print."""
