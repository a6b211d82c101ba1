"""The live ward dashboard: each bed's latest vitals, NEWS2 and open alert episodes, refreshing by itself."""
