"""What the long-running services share: backoff through server outages and graceful stops on signals."""
