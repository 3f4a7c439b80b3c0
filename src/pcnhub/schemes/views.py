"""The local schemes pages: views check the permission, parse input with a form
and call the services; they hold no rules of their own."""
