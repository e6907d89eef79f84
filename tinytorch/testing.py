"""``tinytorch.testing``: assert_close."""
