"""The composition root: records, the command line and the web server build on agent and knowledge."""
