"""What search engines and link previews read: JSON-LD, OpenGraph, sitemap.xml."""
