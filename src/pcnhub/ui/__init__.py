"""pcnhub's UI kit: fast renderers for NHS.UK components used over long lists."""
