"""The service cases screen: customers' messages from the tracking page (issue 11)."""
