"""Publishing: the SCORM package of a course, checked before it is downloaded or written."""
