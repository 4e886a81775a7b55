/**
 * Turns whatever a Lightning Data Service call or wire rejected with (one error or a list; UI API,
 * Apex or JavaScript errors) into plain, de-duplicated messages a user can read.
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
            if (body && body.output) {
                // UI API write errors: record-level and field-level
                const recordErrors = (body.output.errors ?? []).map((e) => e.message);
                const fieldErrors = Object.values(body.output.fieldErrors ?? {})
                    .flat()
                    .map((e) => e.message);
                if (recordErrors.length + fieldErrors.length > 0) {
                    return [...recordErrors, ...fieldErrors];
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
