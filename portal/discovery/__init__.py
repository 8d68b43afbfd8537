"""Public discovery: the results page and the detail pages of venues, activities, resources."""
