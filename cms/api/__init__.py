"""The public read API (`/api/v1/`): what an anonymous visitor can read on the site, as JSON or
CSV, with cursor pagination, documented by an OpenAPI schema. Writes stay in their own
endpoints (the feed API), documented in the same schema."""
