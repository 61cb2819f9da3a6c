"""Pack verification (issue 9): scan classification, the pack service, boxes, carton fit, weight check."""
