"""Learning: enrolments, the module player in the app, attempts, time on task, tutor marking."""
