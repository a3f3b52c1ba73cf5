"""The domain: categories, wards, reports and API schemas. No Qt, no HTTP, no SQL."""
