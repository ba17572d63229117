export const statusUrlOf = (callId: string) => `/api/gateway/calls/${callId}`;
