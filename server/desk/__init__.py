"""The agents' desk: the HTTP API, the console socket, sign-in, the queue feed and the desk's views."""
