"""What operators watch: each service's Prometheus metrics endpoint and the alerting rules over those metrics.

The metrics themselves are declared beside the code that counts them
(``producers/metrics.py``, ``streaming/metrics.py``, ``notifier/metrics.py``);
this package serves them and says when they mean trouble. The local stack runs
Prometheus and Alertmanager with these rules; a cluster's own Prometheus loads
the same rules file (``patient-alert monitoring rules``).
"""
