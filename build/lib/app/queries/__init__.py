"""All SQL the dashboard runs, one module per page; `app.data` is the public facade."""
