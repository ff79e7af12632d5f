"""The Slack edge: payloads in as typed events, plans out as Web API calls. Listeners and
jobs use it; the core and the use cases never see Slack."""
