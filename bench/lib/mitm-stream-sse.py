"""mitmproxy addon for the bench: stream Server-Sent Events instead of buffering them.

mitmproxy reads a whole response body before passing it on, unless the response is marked for streaming.
This is the hook from mitmproxy's documentation ("Streaming"), applied only to text/event-stream, so webhook
JSON bodies are still buffered and inspectable as usual.
"""


def responseheaders(flow):
    if flow.response.headers.get("content-type", "").startswith("text/event-stream"):
        flow.response.stream = True
