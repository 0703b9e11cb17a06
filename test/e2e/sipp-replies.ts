/** SIPp scenario steps shared by the end-to-end tests' scenarios written in TypeScript. */

/** A 200 OK to the request just received (a BYE, a NOTIFY): its Via, From, To, Call-ID and CSeq echoed. */
export const okToLast = `  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>`;
