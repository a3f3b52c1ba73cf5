"""Data files shipped with wardapp (installed as the package ``wardapp.resources``)."""
