"""Partner integrations: registered applications, their scopes and keys, the call log
and webhooks."""
