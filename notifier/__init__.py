"""doctors-queue → Amazon SNS: one notification per episode, reminders, worsening and all-clear, never a storm."""
