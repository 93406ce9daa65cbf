"""The OpenAPI 3.1 document for /api/v1."""
from __future__ import annotations

from typing import Any

from coach.deals.services import TEXT_LIMITS
from coach.limits import MAX_AMOUNT
from coach.models import OUTCOMES, SCOPES


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


AUTH_ERRORS = {"401": _error("No token, or an unknown or revoked one"),
               "403": _error("The token lacks the scope, or its user may not reach this object (another team's)")}


def openapi_document() -> dict[str, Any]:
    """Describe every API route, its scope, parameters, bodies and errors."""
    deal_path = [{"name": "source", "in": "path", "required": True, "schema": {"type": "string",
                                                                                 "pattern": "^[a-z0-9][a-z0-9-]{0,31}$"},
                  "description": "The system the deal comes from, e.g. hubspot"},
                 {"name": "external_id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 128},
                  "description": "The deal's id in that system"}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Coach API", "version": "1.0",
                 "description": "Deals from your CRM, case reviews, and people's progress. Authenticate with "
                                "`Authorization: Bearer <token>`; tokens are created by an administrator with scopes."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "Scopes: " + ", ".join(SCOPES)}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"],
                          "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                                         "fields": {"type": "object", "additionalProperties": {"type": "string"}}}},
                "DealInput": {"type": "object", "additionalProperties": False, "properties": {
                    "name": {"type": "string", "maxLength": TEXT_LIMITS["name"],
                             "description": "required when the deal is new"},
                    "account": {"type": "string", "maxLength": TEXT_LIMITS["account"]},
                    "amount": {"type": ["number", "string", "null"], "maximum": float(MAX_AMOUNT)},
                    "currency": {"type": "string", "minLength": 3, "maxLength": 3},
                    "stage": {"type": "string", "maxLength": TEXT_LIMITS["stage"]},
                    "outcome": {"enum": list(OUTCOMES)}, "close_date": {"type": ["string", "null"], "format": "date"},
                    "owner_email": {"type": "string", "format": "email", "maxLength": TEXT_LIMITS["owner_email"]},
                    "competitor": {"type": "string", "maxLength": TEXT_LIMITS["competitor"]}}},
                "Deal": {"type": "object", "properties": {
                    "source": {"type": "string"}, "external_id": {"type": "string"}, "name": {"type": "string"},
                    "account": {"type": "string"}, "amount": {"type": ["string", "null"]}, "currency": {"type": "string"},
                    "stage": {"type": "string"}, "outcome": {"enum": list(OUTCOMES)},
                    "close_date": {"type": ["string", "null"], "format": "date"},
                    "owner_email": {"type": ["string", "null"]}, "competitor": {"type": "string"}}},
                "Review": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "outcome": {"type": "string"},
                    "status": {"enum": ["draft", "submitted", "discussed"]}, "author": {"type": "string"},
                    "deal": {"type": "object"}, "updated_at": {"type": "string", "format": "date-time"},
                    "reasons": {"type": "array", "items": {"type": "object", "properties": {
                        "key": {"type": "string"}, "primary": {"type": "boolean"}}}}}},
                "Progress": {"type": "object", "properties": {
                    "user": {"type": "object"}, "programs": {"type": "array", "items": {"type": "object"}},
                    "competencies": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "readiness": {"type": "array", "items": {"type": "object", "properties": {
                        "level": {"type": "string"}, "percent": {"type": "integer"},
                        "requirements": {"type": "array", "items": {"type": "object"}}}}}}},
            },
        },
        "paths": {
            "/deals/{source}/{external_id}": {
                "parameters": deal_path,
                "put": {"summary": "Create or update a deal (scope deals:write)", "security": [{"bearer": []}],
                        "requestBody": {"required": True, "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/DealInput"}}}},
                        "responses": {"200": _json("Deal", "Updated"), "201": _json("Deal", "Created"),
                                      "400": _error("Malformed JSON or invalid fields; nothing written"),
                                      "413": _error("The body is larger than the server accepts; nothing written"),
                                      **AUTH_ERRORS}},
                "get": {"summary": "Read a deal (scope deals:read)", "security": [{"bearer": []}],
                        "responses": {"200": _json("Deal", "The deal"), "404": _error("No such deal"), **AUTH_ERRORS}},
            },
            "/reviews": {"get": {
                "summary": "Case reviews the token's user may read (scope reviews:read)", "security": [{"bearer": []}],
                "parameters": [{"name": "status", "in": "query", "schema": {"enum": ["draft", "submitted", "discussed"]}},
                               {"name": "outcome", "in": "query", "schema": {"enum": ["won", "lost", "no-decision"]}},
                               {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}}],
                "responses": {"200": {"description": "Reviews", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"reviews": {"type": "array", "items": {
                        "$ref": "#/components/schemas/Review"}}}}}}},
                              "400": _error("Unknown filter value"), **AUTH_ERRORS}}},
            "/users/{user_id}/progress": {"get": {
                "summary": "A person's programs, competency levels and readiness (scope progress:read)",
                "security": [{"bearer": []}],
                "parameters": [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": _json("Progress", "Progress and readiness"), "404": _error("No such user"),
                              **AUTH_ERRORS}}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI"}}}},
        },
    }
