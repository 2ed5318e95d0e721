"""Plain functions over a session; they flush, the request or command commits."""


class ServiceError(Exception):
    """A change a service refuses; the message (Vietnamese) is for the user.

    The request that meets one rolls back (registry.transaction), and the command line
    prints it; every service's refusal derives from this class.
    """
