"""Report jobs: a long report made in the background, its progress, its file for its
requester only, deleted when it expires."""
