"""The JSON API under /api/v1 (flask-smorest): ``setup_api(app)`` binds it to the app."""
