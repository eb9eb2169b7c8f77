"""Payment of fees (phí, lệ phí) through pluggable providers with signed callbacks.

settings.PAYMENT_PROVIDERS maps a name to a provider class path; the sandbox provider runs
inside the portal so the whole flow can be tested offline."""
