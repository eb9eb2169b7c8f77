"""What every view of the integration API shares: key authentication, scopes, the rate limit
per client (portal/throttle.py, database counters), the audit of every call, the language of
messages (Accept-Language), unknown fields refused, and errors that are never a 500 for bad
input (Django's ValidationError and PermissionDenied from the services become 400 and 403)."""

import datetime
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView, exception_handler

from portal import throttle

from .clients import client_for_key
from .models import ApiCall, ApiClient

logger = logging.getLogger("portal.api")

API_CLIENT = throttle.Rule("api-client", limit=600, window=throttle.MINUTE, lock=throttle.MINUTE,
                           max_lock=5 * throttle.MINUTE, forgive=throttle.HOUR)
API_ANONYMOUS = throttle.Rule("api-anonymous", limit=300, window=throttle.MINUTE, lock=throttle.MINUTE,
                              max_lock=5 * throttle.MINUTE, forgive=throttle.HOUR)


class KeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>`: the request acts as the client's system account."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization phải có dạng “Bearer <khóa>”."))
        client = client_for_key(parts[1].decode("latin-1"))
        if client is None:
            raise exceptions.AuthenticationFailed(_("Khóa API không đúng hoặc đã bị thu hồi."))
        if client.last_used_at is None or timezone.now() - client.last_used_at > datetime.timedelta(minutes=1):
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        return client.user, client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class KeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.base.KeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Khóa API của hệ thống kết nối."}


def client_of(request):
    return request.auth if isinstance(request.auth, ApiClient) else None


class HasScope(BasePermission):
    """The view's `required_scope` (per method: a dict) must be among the client's scopes."""

    message = gettext_lazy("Hệ thống kết nối không được cấp quyền này.")

    def has_permission(self, request, view):
        scope = view.scope_for(request)
        if scope is None:
            return True
        client = client_of(request)
        if client is None:
            raise exceptions.NotAuthenticated(_("Cần khóa API của hệ thống kết nối."))
        return client.has_scope(scope)


class ClientThrottle(BaseThrottle):
    """Per client (or per address for anonymous reads), counted in the database so every web
    process sees the same numbers. Limits are tuned with THROTTLE_RULES["api-client"]."""

    def allow_request(self, request, view):
        client = client_of(request)
        pair = (API_CLIENT, f"client:{client.pk}") if client else (API_ANONYMOUS, throttle.ip_key(request))
        self.until = throttle.locked([pair])
        if self.until is not None:
            return False
        throttle.fail([pair], request=request)
        return True

    def wait(self):
        return max(1, int((self.until - timezone.now()).total_seconds()))


def _language(request):
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    from django.utils.translation.trans_real import parse_accept_lang_header

    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return "vi"


def handle_exception(exc, context):
    """DRF's handler, plus the services' own refusals: a ValidationError is a 400 with its
    messages, PermissionDenied a 403; a 404 never says whether the object exists elsewhere."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return exception_handler(exc, context)


class ApiMixin:
    """What every view under /api/v1/ shares (mixed into APIView or a generic view)."""

    authentication_classes = [KeyAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientThrottle]
    required_scope = None  # a scope, or {method: scope}
    audit_action = ""

    def scope_for(self, request):
        scope = self.required_scope
        if isinstance(scope, dict):
            return scope.get(request.method)
        return scope

    def initial(self, request, *args, **kwargs):
        language = _language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)

    def audit_object(self):
        return str(self.kwargs.get("code") or getattr(self, "audited_object", "") or "")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        client = client_of(request)
        if client is not None:
            ApiCall.objects.create(client=client, method=request.method, path=request.path[:300],
                                   action=self.audit_action or type(self).__name__,
                                   object=self.audit_object()[:120], status_code=response.status_code)
        return response


class ApiView(ApiMixin, APIView):
    pass


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a typo must not be silently ignored)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Trường không được hỗ trợ.")] for name in unknown})
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def created(data):
    return Response(data, status=status.HTTP_201_CREATED)


ERROR_RESPONSES = {
    "400": "Dữ liệu không hợp lệ: mỗi trường kèm danh sách lỗi, theo ngôn ngữ Accept-Language",
    "401": "Thiếu khóa API, khóa sai hoặc đã bị thu hồi",
    "403": "Hệ thống kết nối không được cấp quyền này",
    "404": "Không có, hoặc hệ thống kết nối không được xem",
    "429": "Vượt giới hạn số lần gọi; thử lại sau số giây ở tiêu đề Retry-After",
}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing: every operation answers errors with a JSON object
    (`detail`, or one list of messages per field), documented once here."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {"type": "object", "additionalProperties": True,
                        "properties": {"detail": {"oneOf": [{"type": "string"},
                                                            {"type": "array", "items": {"type": "string"}}]}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
    return result
