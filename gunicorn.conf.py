"""gunicorn's settings for the app, read from the directory it starts in.

Only what the app relies on; workers, binding and timeouts stay on the
command line (README, "Deploying").
"""

# The longest request line gunicorn allows (its maximum): long API query
# strings reach Django, which refuses those over API_MAX_QUERY_LENGTH with
# the API's JSON 400 rather than gunicorn's bare 414.
limit_request_line = 8190
