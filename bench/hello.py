"""The baseline: a bare Flask hello-world, served by the same gunicorn settings as Coach."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The cheapest response Flask can give."""
    return "Hello, World!"
