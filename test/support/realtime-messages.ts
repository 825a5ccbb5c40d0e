/** OpenAI Realtime messages that tests send through their fake sockets: a finished call and its answer. */
export const callDone = (callId: string, name: string, args: string) => ({
  type: 'response.function_call_arguments.done',
  event_id: `ev_${callId}`,
  response_id: 'resp_1',
  item_id: `item_${callId}`,
  output_index: 0,
  call_id: callId,
  name,
  arguments: args,
});

export const callOutput = (callId: string, output: string) => ({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } });
