// The audit-log resource: staff read who did what, newest first, paged like every list.
import { pageOf, pagingHeaders } from '../http/paging.js';
import type { OperationTable } from '../services.js';
import { AuditEntry, toAuditEntryResponse } from './audit-entry.model.js';

export const auditLogOperations = {
  listAuditLog: {
    staffOnly: true,
    async handle({ query, services, request }) {
      const page = pageOf(query);
      const { rows, total } = await AuditEntry.page(services.db, query, page);
      return { status: 200, body: rows.map(toAuditEntryResponse), headers: pagingHeaders(request.url, page, total) };
    },
  },
} satisfies Partial<OperationTable>;
