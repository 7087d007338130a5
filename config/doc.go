// Package config reads a project's committed .proof/config.yaml: which files
// are tests (for the repro tree), which checks to run, and which model
// reviewers review a change (package review). Validation errors
// name the file, the line and the fix.
package config
