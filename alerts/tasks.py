"""Thin Celery tasks around the alert engine."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


def request_scan(person_id):
    scan_person.delay(person_id)


@shared_task
def scan_person(person_id):
    logger.info("scan_person(%s)", person_id)
