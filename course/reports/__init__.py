"""Reports for tutors and providers: cohort progress against GLH, criteria maps, item analysis, exports."""
