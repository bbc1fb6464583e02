// Workflow rules.
