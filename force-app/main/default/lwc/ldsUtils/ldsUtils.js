const messagesOf = (errors) => (errors ?? []).map((e) => e.message);
const fieldMessagesOf = (fieldErrors) => Object.values(fieldErrors ?? {}).flatMap(messagesOf);

/**
 * Turns whatever a Lightning Data Service call or wire rejected with (one error or a list; UI API,
 * Apex DML or JavaScript errors) into plain, de-duplicated messages a user can read.
 * @param {FetchResponse|FetchResponse[]|Error} errors
 * @return {String[]} the messages
 */
export function reduceErrors(errors) {
  const list = Array.isArray(errors) ? errors : [errors];
  const messages = list
    .filter((error) => !!error)
    .flatMap((error) => {
      const body = error.body;
      if (Array.isArray(body)) {
        // UI API read errors
        return body.map((e) => e.message);
      }
      // Apex DML errors: page-level and field-level
      const dmlErrors = body ? [...messagesOf(body.pageErrors), ...fieldMessagesOf(body.fieldErrors)] : [];
      if (dmlErrors.length > 0) {
        return dmlErrors;
      }
      if (body && body.output) {
        // UI API write errors: record-level and field-level
        const writeErrors = [...messagesOf(body.output.errors), ...fieldMessagesOf(body.output.fieldErrors)];
        if (writeErrors.length > 0) {
          return writeErrors;
        }
      }
      if (body && typeof body.message === 'string') {
        return [body.message];
      }
      if (typeof error.message === 'string') {
        return [error.message];
      }
      return [error.statusText];
    })
    .filter((message) => !!message);
  return [...new Set(messages)];
}
