"""The reference AIM store: the partnership's server that wardapp clients sync to."""
