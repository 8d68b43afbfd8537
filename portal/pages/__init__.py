"""Site-wide pages: declarations (accessibility, eco-design), error pages, static assets."""
