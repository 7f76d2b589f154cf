"""The vendors' own error codes for authentication failures, each with where it was found.

Alibaba Cloud (POP gateway, shared by HBR and DBS). Sources:
  [A1] help.aliyun.com/document_detail/48054.html (gateway common errors table):
       InvalidAccessKeyId.NotFound 400, InvalidTimeStamp.Format 400, InvalidTimeStamp.Expired
       400, SignatureNonceUsed 400, SignatureDoesNotMatch 400.
  [A2] contracts/sources/vendor-common/alibaba_common_client_error_codes_polardb_TRUNCATED.txt
       (help.aliyun.com/en/polardb/client-error-codes): InvalidAccessKeyId.NotFound 404,
       IncompleteSignature 400, MissingParameter 400, IllegalTimestamp 400.
  [A3] contracts/sources/vendor-common/alibaba_common_error_codes_dns_page.txt: InvalidAccessKeyId
       .NotFound 400, SignatureDoesNotMatch 403, MissingParameter 400.
  [A4] Live responses quoted in public issues: aylei/aliyun-exporter#36 and
       XWJR-Ops/zabbix-RDS-monitor#9 ("HTTP Status: 404 Error:InvalidAccessKeyId.NotFound
       Specified access key is not found."); fog/fog-aliyun#32 (IncompleteSignature, 400,
       "The request signature does not conform to Aliyun standards."); h46incon/AliDDNSBash#4
       and louislam/uptime-kuma#5086 ("Specified signature is not matched with our
       calculation."); aliyun/aliyun-openapi-net-sdk#178 (the SDK keys its string-to-sign
       diagnostics on "HTTP 400 and SignatureDoesNotMatch or IncompleteSignature").

  Choices where the tables disagree:
  * InvalidAccessKeyId.NotFound -> 404: [A2] and the live gateway responses [A4] say 404;
    [A1]/[A3] say 400. What the gateway really sends wins.
  * SignatureDoesNotMatch -> 400: [A1] and the SDK's own handling [A4] say 400; only the DNS
    page [A3] says 403.
  * InvalidSignatureMethod 400 (unsupported algorithm / SignatureMethod): the code name is the
    brief's; no retrieved table lists it, so treat it as unverified.

Huawei Cloud (API Gateway in front of VBS and GeminiDB, IAM authentication). Sources:
  [H1] API Request Signing Guide, "Error Codes" table: APIGW.0301 "Incorrect IAM
       authentication information." 401; FAQ "Common Errors Related to IAM Authentication
       Information" (support.huaweicloud.com/.../devg-apisign/api-sign-0001.html):
       "Get secretKey failed,ak:******,err:ak not exist", "decrypt token fail".
  [H2] huaweicloud/huaweicloud-sdk-nodejs-v3#2: "verify aksk signature fail" -> APIGW.0301, 401.
  [H3] huaweicloud/huaweicloud-sdk-java-v3#44: stale X-Sdk-Date on an IAM-authenticated API
       -> APIGW.0301, 401, "calc aksk signature fail:signature expired".
  [H4] OCR FAQ ocr_01_0063: "x-auth-token not found" and "token expires" -> APIG.0301.
  Every IAM failure is APIGW.0301 with 401: APIGW.0303 ("Incorrect app authentication
  information", same 15-minute rule) belongs to APP authentication, which cloud-service APIs
  do not use, and nothing we found returns 403 for a bad IAM signature.
"""

from __future__ import annotations

from .verdict import Verdict

__all__ = ["AlibabaErrors", "HuaweiErrors"]


class AlibabaErrors:
    """Factories for Alibaba POP gateway rejections (codes and statuses: see module doc)."""

    @staticmethod
    def missing_parameter(name: str) -> Verdict:
        # [A2]/[A3] MissingParameter 400
        return Verdict.reject(
            "MissingParameter", 400, f'The input parameter "{name}" that is mandatory for '
            "processing this request is not supplied."
        )

    @staticmethod
    def incomplete_signature(detail: str = "") -> Verdict:
        # [A2]/[A4] IncompleteSignature 400
        suffix = f" {detail}" if detail else ""
        return Verdict.reject(
            "IncompleteSignature", 400,
            "The request signature does not conform to Aliyun standards." + suffix,
        )

    @staticmethod
    def invalid_signature_method(method: str) -> Verdict:
        # unverified code name (see module doc), 400 like the other signature-shape errors
        return Verdict.reject(
            "InvalidSignatureMethod", 400,
            f"Specified signature method {method!r} is not supported.",
        )

    @staticmethod
    def unknown_access_key(access_key_id: str) -> Verdict:
        # [A2]/[A4] InvalidAccessKeyId.NotFound 404
        return Verdict.reject(
            "InvalidAccessKeyId.NotFound", 404, "Specified access key is not found.", access_key_id
        )

    @staticmethod
    def signature_mismatch(access_key_id: str | None = None) -> Verdict:
        # [A1]/[A4] SignatureDoesNotMatch 400. The real message appends the server's string to
        # sign; we leave it out so no message ever carries request-derived secrets.
        return Verdict.reject(
            "SignatureDoesNotMatch", 400,
            "Specified signature is not matched with our calculation.", access_key_id,
        )

    @staticmethod
    def missing_timestamp(name: str = "Timestamp") -> Verdict:
        # [A2] IllegalTimestamp 400 (KMS common errors quote the same message)
        return Verdict.reject(
            "IllegalTimestamp", 400, f'The input parameter "{name}" that is mandatory for '
            "processing this request is not supplied."
        )

    @staticmethod
    def bad_timestamp_format() -> Verdict:
        # [A1] InvalidTimeStamp.Format 400
        return Verdict.reject(
            "InvalidTimeStamp.Format", 400,
            "Specified time stamp or date value is not well formatted.",
        )

    @staticmethod
    def expired_timestamp(access_key_id: str | None = None) -> Verdict:
        # [A1] InvalidTimeStamp.Expired 400
        return Verdict.reject(
            "InvalidTimeStamp.Expired", 400, "Specified time stamp or date value is expired.",
            access_key_id,
        )

    @staticmethod
    def nonce_used(access_key_id: str | None = None) -> Verdict:
        # [A1] SignatureNonceUsed 400
        return Verdict.reject(
            "SignatureNonceUsed", 400, "Specified signature nonce was used already.", access_key_id
        )


class HuaweiErrors:
    """Factories for Huawei API Gateway IAM rejections: all APIGW.0301 / 401 (module doc)."""

    CODE = "APIGW.0301"
    STATUS = 401
    PREFIX = "Incorrect IAM authentication information: "

    @classmethod
    def _reject(cls, detail: str, access_key_id: str | None = None) -> Verdict:
        return Verdict.reject(cls.CODE, cls.STATUS, cls.PREFIX + detail, access_key_id)

    @classmethod
    def token_missing(cls) -> Verdict:
        return cls._reject("x-auth-token not found")  # [H4]

    @classmethod
    def token_invalid(cls) -> Verdict:
        return cls._reject("decrypt token fail")  # [H1]/[H4]

    @classmethod
    def token_expired(cls, expires_at: str) -> Verdict:
        return cls._reject(f"token expires, expires_at: {expires_at}")  # [H4]

    @classmethod
    def malformed(cls, detail: str) -> Verdict:
        # APIG's exact wording for a garbled Authorization header was not found; same code.
        return cls._reject(detail)

    @classmethod
    def unknown_access_key(cls, access_key_id: str) -> Verdict:
        return cls._reject("Get secretKey failed,ak:******,err:ak not exist", access_key_id)  # [H1]

    @classmethod
    def signature_mismatch(cls, access_key_id: str | None = None) -> Verdict:
        return cls._reject("verify aksk signature fail", access_key_id)  # [H1]/[H2]

    @classmethod
    def signature_expired(
        cls, signed_at: str, server_time: str, access_key_id: str | None = None
    ) -> Verdict:
        detail = (
            f"calc aksk signature fail:signature expired, signature time:{signed_at},"
            f"server time:{server_time}"
        )
        return cls._reject(detail, access_key_id)  # [H3]
