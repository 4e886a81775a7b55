/** lightning/uiRelatedListApi over the org's UI API: GET /related-list-records/{parentId}/{relatedListId}. */
import { createWireAdapter } from './wireAdapter.js';
import { queryString, uiApi } from './orgSession.js';

export const getRelatedListRecords = createWireAdapter({
  isReady: (config) => !!config.parentRecordId && !!config.relatedListId,
  load: ({ parentRecordId, relatedListId, fields, optionalFields, sortBy, pageSize }) =>
    uiApi(
      'GET',
      `/related-list-records/${encodeURIComponent(parentRecordId)}/${encodeURIComponent(relatedListId)}${queryString({ fields, optionalFields, sortBy, pageSize })}`,
    ),
});
