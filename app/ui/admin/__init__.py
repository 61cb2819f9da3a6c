"""The Administration screen (issue 23): staff, stations and their printers, and whatever sections other
capabilities add to :data:`app.ui.admin.sections.SECTIONS`."""
